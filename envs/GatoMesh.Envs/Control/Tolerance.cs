namespace GatoMesh.Envs;

/// <summary>
/// dm_control's smooth reward shaping (rewards.tolerance with bounds (0, 0)): 1 at zero, falling
/// with |x| to <c>valueAtMargin</c> at |x| = margin, along a Gaussian or a clipped quadratic.
/// </summary>
internal static class Tolerance
{
    public static double Gaussian(double x, double margin, double valueAtMargin = 0.1)
    {
        var scale = Math.Sqrt(-2 * Math.Log(valueAtMargin));
        var d = x / margin * scale;
        return Math.Exp(-0.5 * d * d);
    }

    public static double Quadratic(double x, double margin, double valueAtMargin = 0)
    {
        var d = x / margin * Math.Sqrt(1 - valueAtMargin);
        return Math.Max(0, 1 - d * d);
    }
}
