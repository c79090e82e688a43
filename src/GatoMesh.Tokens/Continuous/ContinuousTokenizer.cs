namespace GatoMesh.Tokens;

/// <summary>
/// Continuous values to ids <c>[V, V + 1024)</c> and back (<see cref="MuLaw"/>). NaN and infinite
/// values are rejected with <see cref="InvalidValueException"/>: a sensor fault must not reach the
/// model as a plausible edge bin. Decoding uses a precomputed table of the 1024 bin values.
/// </summary>
public sealed class ContinuousTokenizer
{
    readonly int offset;
    readonly float[] decoded = new float[TokenSpace.BinCount];

    public ContinuousTokenizer(TokenSpace space)
    {
        offset = space.ContinuousOffset;
        for (var bin = 0; bin < decoded.Length; bin++)
            decoded[bin] = (float)MuLaw.Decode(bin);
    }

    /// <summary>The id of one value; <paramref name="field"/> and <paramref name="index"/> name it in
    /// errors.</summary>
    public int Encode(float value, string field, int index)
    {
        if (!float.IsFinite(value))
            throw new InvalidValueException($"{field}[{index}]", value.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "continuous values must be finite (NaN and infinities are rejected)");
        return offset + MuLaw.Bin(value);
    }

    /// <summary>Writes the ids of <paramref name="values"/> into <paramref name="ids"/>.</summary>
    public void Encode(ReadOnlySpan<float> values, Span<int> ids, string field)
    {
        for (var i = 0; i < values.Length; i++)
            ids[i] = Encode(values[i], field, i);
    }

    /// <summary>Whether an id is a continuous bin.</summary>
    public bool IsContinuous(int id) => id >= offset && id < offset + TokenSpace.BinCount;

    /// <summary>The value an id decodes to: its bin centre through the inverse mu-law.</summary>
    public float Decode(int id, string field, int index)
    {
        if (!IsContinuous(id))
            throw new ActionTokenException($"{field}[{index}]", id.ToString(),
                $"not a continuous id (valid: [{offset}, {offset + TokenSpace.BinCount}))");
        return decoded[id - offset];
    }
}
