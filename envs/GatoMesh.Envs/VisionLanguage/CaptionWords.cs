namespace GatoMesh.Envs;

/// <summary>
/// The captions' words, each one discrete id: 0 ends a caption, then "a", ",", "and", BabyAI's six colours
/// and the three object types. A caption names a scene's objects in reading order (rows top to bottom, left
/// to right): "a red ball", "a blue key and a grey box", "a red ball, a green key and a purple box".
/// </summary>
public static class CaptionWords
{
    public const int End = 0, Article = 1, Comma = 2, And = 3;

    static readonly string[] Names =
    [
        "<end>", "a", ",", "and",
        .. Enum.GetValues<ObjectColor>().Select(c => c.ToString().ToLowerInvariant()),
        .. Enum.GetValues<ObjectType>().Select(t => t.ToString().ToLowerInvariant()),
    ];

    /// <summary>How many words there are: a caption token lies in <c>[0, Count)</c>.</summary>
    public static int Count => Names.Length;

    /// <summary>The longest caption, four objects (4 x 3 words, two commas and "and"), and its end.</summary>
    public const int MaxTokens = 16;

    /// <summary>The words naming <paramref name="objects"/> in reading order, without the end.</summary>
    public static int[] Of(IEnumerable<GridObject> objects)
    {
        var ordered = objects.OrderBy(o => o.Y).ThenBy(o => o.X).ToList();
        var words = new List<int>();
        for (var i = 0; i < ordered.Count; i++)
        {
            if (i > 0) words.Add(i == ordered.Count - 1 ? And : Comma);
            words.AddRange([Article, 3 + (int)ordered[i].Color, 3 + Enum.GetValues<ObjectColor>().Length + (int)ordered[i].Type]);
        }
        return [.. words];
    }

    /// <summary>The text of <paramref name="words"/> up to the first end: "a red ball, a green key and a purple box".</summary>
    public static string Text(IEnumerable<int> words) =>
        string.Join(" ", words.TakeWhile(w => w != End).Select(w => w >= 0 && w < Names.Length ? Names[w] : "?")).Replace(" ,", ",");

    /// <summary>
    /// Token accuracy of a generated caption against the reference: the share of the reference's words and its
    /// end marker (n + 1 positions) that the generation has at the same position. What comes after the
    /// reference's end is not scored; a generation that stops early or runs on loses the positions it gets
    /// wrong. 1 exactly when the generation is the reference (exact match) followed by anything.
    /// </summary>
    public static double TokenAccuracy(IReadOnlyList<int> generated, IReadOnlyList<int> reference)
    {
        var positions = reference.Count + 1;
        var right = 0;
        for (var i = 0; i < positions; i++)
        {
            var expected = i < reference.Count ? reference[i] : End;
            if (i < generated.Count && generated[i] == expected) right++;
        }
        return (double)right / positions;
    }
}
