namespace GatoMesh.Tokens;

/// <summary>
/// Encodes timesteps of one embodiment (paper section 2.1; ARCHITECTURE.md, "Token space"):
/// observation fields in key order (text ids, image patches, tensors row-major), the separator,
/// then the action tokens. Per token it writes the id (-1 for a patch), the local position (index
/// inside the observation, the separator included; every action token shares
/// <see cref="TokenSpace.ActionLocalPosition"/>) and the loss bit (1 on text and actions; 0 on
/// observation tensors, patches and the separator).
/// On bad input the partly written timestep is removed again, leaving the buffer as it was, so a
/// session's context is never corrupted. One encoder is not safe for concurrent use; give each grain
/// or thread its own.
/// </summary>
public sealed class TimestepEncoder
{
    readonly ContinuousTokenizer continuous;
    readonly SentencePieceTokenizer? text;
    // Arrays, not the spec's lists: foreach over an interface allocates an enumerator per timestep.
    readonly FieldSpec[] observationFields;
    readonly FieldSpec[] actionFields;
    readonly string[] actionNames;
    readonly Dictionary<string, int> fixedTokensAfter = new(StringComparer.Ordinal);

    public TimestepEncoder(EmbodimentSpec spec, TokenSpace space, SentencePieceTokenizer? text = null)
    {
        if (text is not null && text.VocabSize > space.TextVocabSize)
            throw new InvalidValueException("text_vocab_size", space.TextVocabSize.ToString(),
                $"smaller than the SentencePiece model's {text.VocabSize} pieces ({text.ModelPath})");
        if (text is null && spec.Observation.Any(f => f.Kind == FieldKind.Text))
            throw new InvalidValueException("text_model", null,
                $"the spec '{spec.Name}' has text fields, so the encoder needs a SentencePiece model");
        Spec = spec;
        Space = space;
        this.text = text;
        continuous = new ContinuousTokenizer(space);
        observationFields = [.. spec.Observation];
        actionFields = [.. spec.Action];
        actionNames = [.. spec.Action.Select(f => $"action.{f.Key}")];
        var after = spec.FixedObservationTokens;
        foreach (var field in spec.Observation)
            fixedTokensAfter[field.Key] = after -= field.FixedTokenCount;
    }

    public EmbodimentSpec Spec { get; }
    public TokenSpace Space { get; }

    /// <summary>Appends one timestep (its action too when given) and returns the separator's index
    /// in <paramref name="buffer"/>. Patch positions come from <paramref name="positions"/>
    /// (evaluation when null).</summary>
    public int Encode(Observation observation, ActionValues? action, TokenBuffer buffer, PatchPositions? positions = null)
    {
        var start = buffer.Count;
        try
        {
            var separator = EncodeObservation(observation, buffer, positions ?? PatchPositions.Evaluation);
            if (action is not null)
                EncodeAction(action, buffer);
            return separator;
        }
        catch
        {
            buffer.Truncate(start);
            throw;
        }
    }

    /// <summary>Appends the tokens of an action: what a session does after the model chose it.</summary>
    public void EncodeAction(ActionValues action, TokenBuffer buffer)
    {
        if (action.Count != Spec.Action.Count)
            CheckKeys(action.Keys, "action", Spec.Action);
        var start = buffer.Count;
        try
        {
            for (var f = 0; f < actionFields.Length; f++)
            {
                var field = actionFields[f];
                var name = actionNames[f];
                if (!action.TryGet(field.Key, out var value))
                    throw new MissingFieldException(name);
                if (field.Kind == FieldKind.Continuous)
                {
                    var values = value as float[] ?? throw new InvalidValueException(name, value.GetType().Name, "a continuous action needs floats");
                    CheckCount(name, values.Length, field);
                    for (var i = 0; i < values.Length; i++)
                        buffer.Add(continuous.Encode(values[i], name, i), TokenSpace.ActionLocalPosition, loss: true);
                }
                else
                {
                    var values = value as int[] ?? throw new InvalidValueException(name, value.GetType().Name, "a discrete action needs integers");
                    CheckCount(name, values.Length, field);
                    for (var i = 0; i < values.Length; i++)
                        buffer.Add(DiscreteTokenizer.Encode(values[i], field.Low, field.High, name, i), TokenSpace.ActionLocalPosition, loss: true);
                }
            }
        }
        catch
        {
            buffer.Truncate(start);
            throw;
        }
    }

    int EncodeObservation(Observation observation, TokenBuffer buffer, PatchPositions positions)
    {
        // Equal counts with every spec field present leave no room for an unknown key, so the
        // common path pays no extra lookups (and allocates nothing).
        if (observation.Count != Spec.Observation.Count)
            CheckKeys(observation.Keys, "observation", Spec.Observation);
        var local = 0;
        foreach (var field in observationFields)
        {
            if (!observation.TryGet(field.Key, out var value))
                throw new MissingFieldException(field.Key);
            switch (field.Kind)
            {
                case FieldKind.Text:
                    local = AppendText(field, value, buffer, local);
                    break;
                case FieldKind.Image:
                    var image = value as ImageValue ?? throw new InvalidValueException(field.Key, value.GetType().Name, "an image field needs an image");
                    if (image.Height != field.Shape[0] || image.Width != field.Shape[1] || image.Channels != field.Shape[2])
                        throw new ImageSizeException(field.Key, image.ToString(), $"the spec says {field.Shape[0]}x{field.Shape[1]}x{field.Shape[2]}");
                    local += ImagePatcher.Append(image, field.Key, buffer, local, positions);
                    break;
                case FieldKind.Continuous:
                    var floats = value as TensorValue<float> ?? throw new InvalidValueException(field.Key, value.GetType().Name, "a continuous field needs floats");
                    CheckTensor(field, floats.Data.Length, floats.Shape);
                    for (var i = 0; i < floats.Data.Length; i++)
                        buffer.Add(continuous.Encode(floats.Data[i], field.Key, i), local++, loss: false);
                    break;
                default:
                    var ints = value as TensorValue<int> ?? throw new InvalidValueException(field.Key, value.GetType().Name, "a discrete field needs integers");
                    CheckTensor(field, ints.Data.Length, ints.Shape);
                    for (var i = 0; i < ints.Data.Length; i++)
                        buffer.Add(DiscreteTokenizer.Encode(ints.Data[i], field.Low, field.High, field.Key, i), local++, loss: false);
                    break;
            }
        }
        var separator = buffer.Count;
        buffer.Add(Space.Separator, local, loss: false);
        return separator;
    }

    int AppendText(FieldSpec field, object value, TokenBuffer buffer, int local)
    {
        var content = value as string ?? throw new InvalidValueException(field.Key, value.GetType().Name, "a text field needs a string");
        if (content.Length == 0)
            throw new TextLengthException(field.Key, "\"\"", "text must not be empty");
        var ids = text!.Encode(content);
        var count = ids.Count;
        if (count == 0)
            throw new TextLengthException(field.Key, Quote(content), "text encodes to no tokens");
        if (count > field.MaxTokens)
            throw new TextLengthException(field.Key, Quote(content), $"{count} tokens, more than the field's max_tokens {field.MaxTokens}");
        // Text is the only field whose length varies, so the observation's budget is checked here:
        // what is written, this text, the fixed tokens still to come and the separator must fit.
        var budget = TokenSpace.MaxObservationTokens - 1 - local - fixedTokensAfter[field.Key];
        if (count > budget)
            throw new TokenBudgetException(field.Key, $"{count} tokens",
                $"the observation would exceed {TokenSpace.MaxObservationTokens} tokens with its separator (local position table)");
        for (var i = 0; i < count; i++)
            buffer.Add(ids[i], local++, loss: true);
        return local;
    }

    static void CheckTensor(FieldSpec field, int count, int[]? shape)
    {
        if (shape is not null && !shape.AsSpan().SequenceEqual(field.Shape.ToArray()))
            throw new ShapeMismatchException(field.Key, $"[{string.Join(",", shape)}]", $"[{string.Join(",", field.Shape)}]");
        CheckCount(field.Key, count, field);
    }

    static void CheckCount(string name, int count, FieldSpec field)
    {
        if (count != field.ElementCount)
            throw new ShapeMismatchException(name, $"{count} values", $"[{string.Join(",", field.Shape)}] = {field.ElementCount} values");
    }

    static void CheckKeys(IEnumerable<string> keys, string part, IReadOnlyList<FieldSpec> fields)
    {
        foreach (var key in keys)
            if (!fields.Any(f => f.Key == key))
                throw new UnknownFieldException(part == "action" ? $"action.{key}" : key, string.Join(", ", fields.Select(f => f.Key)));
    }

    static string Quote(string s) => "\"" + (s.Length > 40 ? s[..40] + "..." : s) + "\"";
}
