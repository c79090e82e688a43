using GatoMesh.Tokens;

namespace GatoMesh.Envs;

/// <summary>Standard normal draws from a seeded generator (Box-Muller), so initial-state noise is
/// reproducible from the episode's seed.</summary>
internal static class Gaussian
{
    public static double Next(SeededRandom random)
    {
        var u = 1.0 - random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * random.NextDouble());
    }
}
