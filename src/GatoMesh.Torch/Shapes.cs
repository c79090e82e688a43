namespace GatoMesh.Torch;

internal static class Shapes
{
    /// <summary>The element count of a shape, rejecting negative dimensions by name.</summary>
    public static long Count(ReadOnlySpan<long> shape, string parameter)
    {
        long count = 1;
        foreach (var d in shape)
        {
            if (d < 0) throw new ArgumentException($"shape [{string.Join(", ", shape.ToArray())}] has a negative dimension", parameter);
            count *= d;
        }
        return count;
    }
}
