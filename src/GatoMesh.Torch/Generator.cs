using GatoMesh.Torch.Native;
using static GatoMesh.Torch.Native.TorchNative;

namespace GatoMesh.Torch;

/// <summary>
/// A seeded random-number generator of its own (libtorch's at::Generator), for sampling, dropout
/// and initialization that must repeat exactly and must not disturb, or be disturbed by, other users
/// of the default generator. A CUDA generator draws for tensors on that device.
/// Not thread-safe to share across concurrent ops: give each engine thread its own.
/// </summary>
public sealed class Generator : IDisposable
{
    private readonly GeneratorHandle handle;

    public Generator(ulong seed, Device? device = null)
    {
        var d = device ?? Device.Cpu;
        handle = gm_generator_new(seed, (sbyte)d.Type, d.Index);
        if (handle.IsInvalid)
        {
            handle.SetHandleAsInvalid();
            throw LastError();
        }
        Device = d;
    }

    public Device Device { get; }

    internal GeneratorHandle Handle => !handle.IsClosed
        ? handle
        : throw new ObjectDisposedException(nameof(Generator), "the generator was disposed; it can no longer be used");

    /// <summary>Restarts the generator's stream from <paramref name="seed"/>.</summary>
    public void ManualSeed(ulong seed) => Check(gm_generator_set_seed(Handle, seed));

    public void Dispose() => handle.Dispose();
}
