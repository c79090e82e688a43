using GatoMesh.Tokens;

namespace GatoMesh.Envs;

/// <summary>Reads an environment's action values, rejecting what no actuator can do.</summary>
internal static class ActionReader
{
    /// <summary>The one discrete value of <paramref name="key"/>, checked against <c>[0, count)</c>.</summary>
    public static int Discrete(ActionValues action, string key, int count)
    {
        var values = action.GetDiscrete(key);
        if (values.Length != 1)
            throw new ShapeMismatchException(key, $"{values.Length} elements", "1 element");
        if (values[0] < 0 || values[0] >= count)
            throw new InvalidValueException(key, values[0].ToString(), $"must lie in [0, {count})");
        return values[0];
    }

    /// <summary>The continuous values of <paramref name="key"/>, finite, clipped to [-1, 1] (the
    /// actuators' control range).</summary>
    public static double[] Continuous(ActionValues action, string key, int count)
    {
        var values = action.GetContinuous(key);
        if (values.Length != count)
            throw new ShapeMismatchException(key, $"{values.Length} elements", $"{count} elements");
        var clipped = new double[count];
        for (var i = 0; i < count; i++)
        {
            if (!float.IsFinite(values[i]))
                throw new InvalidValueException($"{key}[{i}]", values[i].ToString(), "must be finite");
            clipped[i] = Math.Clamp(values[i], -1.0, 1.0);
        }
        return clipped;
    }
}
