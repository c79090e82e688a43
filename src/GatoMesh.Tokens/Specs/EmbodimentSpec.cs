namespace GatoMesh.Tokens;

/// <summary>
/// What one embodiment (a robot, a simulated task, a game) observes and does: its observation and
/// action fields, each list in the token order of paper section 2.1, which is by key, comparing
/// dotted paths segment by segment in ordinal order (so a group's fields stay together:
/// <c>a.z</c> comes before <c>a-b</c>, as a nested sort would put it). Actions are discrete or
/// continuous; <see cref="ActionIdRanges"/> gives the valid ids of every action token, which the
/// model uses to restrict its logits. Loaded from JSON by <see cref="SpecJsonReader"/>.
/// </summary>
public sealed class EmbodimentSpec
{
    readonly Dictionary<string, FieldSpec> observationByKey;
    readonly Dictionary<string, FieldSpec> actionByKey;

    public EmbodimentSpec(string name, IEnumerable<FieldSpec> observation, IEnumerable<FieldSpec> action)
    {
        Name = name;
        Observation = Order("observation", observation);
        Action = Order("action", action);
        foreach (var field in Action)
            if (field.Kind is not (FieldKind.Discrete or FieldKind.Continuous))
                throw new SpecFormatException($"action.{field.Key}.kind", field.Kind.ToString().ToLowerInvariant(),
                    "actions must be discrete or continuous");
        if (Observation.Count == 0)
            throw new SpecFormatException("observation", null, "needs at least one field");
        if (Action.Count == 0)
            throw new SpecFormatException("action", null, "needs at least one field");
        FixedObservationTokens = Observation.Sum(f => f.FixedTokenCount);
        var textMinimum = Observation.Count(f => f.Kind == FieldKind.Text);
        if (FixedObservationTokens + textMinimum + 1 > TokenSpace.MaxObservationTokens)
            throw new SpecFormatException("observation", $"{FixedObservationTokens} tokens",
                $"more than fit the {TokenSpace.MaxObservationTokens} local positions of an observation and its separator");
        ActionTokenCount = Action.Sum(f => f.ElementCount);
        LocalGrids = FindLocalGrids(Observation);
        observationByKey = Observation.ToDictionary(f => f.Key, StringComparer.Ordinal);
        actionByKey = Action.ToDictionary(f => f.Key, StringComparer.Ordinal);
    }

    public string Name { get; }

    /// <summary>The observation's 2-D discrete fields at fixed local positions (<see cref="LocalGrid"/>), in token order.</summary>
    public IReadOnlyList<LocalGrid> LocalGrids { get; }

    static List<LocalGrid> FindLocalGrids(IReadOnlyList<FieldSpec> observation)
    {
        var grids = new List<LocalGrid>();
        var start = 0;
        foreach (var field in observation)
        {
            if (field.Kind == FieldKind.Text)
                break;
            if (field.Kind == FieldKind.Discrete && field.Shape.Count == 2 && field.Shape[0] > 1 && field.Shape[1] > 1)
                grids.Add(new LocalGrid(start, field.Shape[0], field.Shape[1]));
            start += field.FixedTokenCount;
        }
        return grids;
    }

    /// <summary>Observation fields in token order.</summary>
    public IReadOnlyList<FieldSpec> Observation { get; }

    /// <summary>Action fields in token order.</summary>
    public IReadOnlyList<FieldSpec> Action { get; }

    /// <summary>Tokens of the observation's image and tensor fields (text adds a variable count).</summary>
    public int FixedObservationTokens { get; }

    /// <summary>Tokens of one action: the sum of the action fields' elements.</summary>
    public int ActionTokenCount { get; }

    public bool TryGetObservationField(string key, out FieldSpec field) => observationByKey.TryGetValue(key, out field!);
    public bool TryGetActionField(string key, out FieldSpec field) => actionByKey.TryGetValue(key, out field!);

    /// <summary>Valid ids <c>[low, high)</c> of each action token, in token order.</summary>
    public (int Low, int High)[] ActionIdRanges(TokenSpace space)
    {
        var ranges = new (int, int)[ActionTokenCount];
        var i = 0;
        foreach (var field in Action)
        {
            var range = field.IdRange(space);
            for (var k = 0; k < field.ElementCount; k++)
                ranges[i++] = range;
        }
        return ranges;
    }

    /// <summary>Whether each action token, in token order, is a continuous bin (else a discrete value).</summary>
    public bool[] ContinuousActionTokens()
    {
        var continuous = new bool[ActionTokenCount];
        var i = 0;
        foreach (var field in Action)
            for (var k = 0; k < field.ElementCount; k++)
                continuous[i++] = field.Kind == FieldKind.Continuous;
        return continuous;
    }

    /// <summary>Ordinal comparison of dotted paths, segment by segment.</summary>
    public static int CompareKeys(string a, string b)
    {
        var x = a.Split('.');
        var y = b.Split('.');
        for (var i = 0; i < Math.Min(x.Length, y.Length); i++)
        {
            var c = string.CompareOrdinal(x[i], y[i]);
            if (c != 0)
                return c;
        }
        return x.Length.CompareTo(y.Length);
    }

    static IReadOnlyList<FieldSpec> Order(string part, IEnumerable<FieldSpec> fields)
    {
        var ordered = fields.ToList();
        ordered.Sort((a, b) => CompareKeys(a.Key, b.Key));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var field in ordered)
        {
            if (field.Key.Length == 0 || field.Key.Split('.').Any(segment => segment.Length == 0))
                throw new SpecFormatException($"{part}.{field.Key}", null, "keys must be non-empty dotted paths");
            if (!seen.Add(field.Key))
                throw new SpecFormatException($"{part}.{field.Key}", null, "declared twice");
        }
        // A field cannot also be a group: "a" and "a.b" would make an observation ambiguous.
        foreach (var field in ordered)
            foreach (var other in ordered)
                if (other.Key.StartsWith(field.Key + ".", StringComparison.Ordinal))
                    throw new SpecFormatException($"{part}.{other.Key}", null, $"lies inside the field {field.Key}");
        return ordered;
    }
}
