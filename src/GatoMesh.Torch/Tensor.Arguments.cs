using System.Runtime.CompilerServices;
using GatoMesh.Torch.Native;

namespace GatoMesh.Torch;

// How tensor arguments reach the native side: checked here, by name, so that a null or disposed
// argument is a clear managed exception and never a null pointer inside libtorch.
public sealed partial class Tensor
{
    /// <summary>The handle of a required tensor argument.</summary>
    internal static TensorHandle Arg(Tensor? tensor, [CallerArgumentExpression(nameof(tensor))] string? name = null)
    {
        if (tensor is null) throw new ArgumentNullException(name, $"tensor argument '{name}' is null");
        var h = tensor.handle;
        if (h.IsClosed) throw new ObjectDisposedException(name, $"tensor argument '{name}' was disposed");
        return h;
    }

    /// <summary>The handle of an optional tensor argument; <see cref="TensorHandle.None"/> when absent.</summary>
    internal static TensorHandle OptionalArg(Tensor? tensor, [CallerArgumentExpression(nameof(tensor))] string? name = null) =>
        tensor is null ? TensorHandle.None : Arg(tensor, name);

    internal static GeneratorHandle OptionalArg(Generator? generator) =>
        generator is null ? GeneratorHandle.None : generator.Handle;

    /// <summary>Scalars cross as a double plus a flag saying whether the value is integral (see ops.cpp).</summary>
    private const int Integral = 1, Floating = 0;
}
