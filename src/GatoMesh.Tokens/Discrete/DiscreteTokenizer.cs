namespace GatoMesh.Tokens;

/// <summary>
/// Discrete values (buttons, grid moves) are their own ids, <c>[0, 1024)</c>, row-major when a
/// tensor (paper section 2.1). A field narrows the range to <c>[low, high)</c>; values outside it
/// are rejected, never wrapped or clamped.
/// </summary>
public static class DiscreteTokenizer
{
    /// <summary>The id of one discrete value.</summary>
    public static int Encode(int value, int low, int high, string field, int index)
    {
        if (value < low || value >= high)
            throw new InvalidValueException($"{field}[{index}]", value.ToString(),
                $"discrete values must lie in [{low}, {high})");
        return value;
    }

    /// <summary>The value of one discrete id.</summary>
    public static int Decode(int id, int low, int high, string field, int index)
    {
        if (id < low || id >= high)
            throw new ActionTokenException($"{field}[{index}]", id.ToString(),
                $"outside the action's valid ids [{low}, {high})");
        return id;
    }
}
