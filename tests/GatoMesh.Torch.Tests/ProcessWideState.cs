namespace GatoMesh.Torch.Tests;

/// <summary>What tests share across the process: libtorch's default generator (lock it to seed and draw
/// without interference; every other test passes its own Generator).</summary>
internal static class ProcessWideState
{
    public static readonly object DefaultGenerator = new();
}
