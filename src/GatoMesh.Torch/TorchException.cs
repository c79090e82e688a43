namespace GatoMesh.Torch;

/// <summary>An error raised inside libtorch; the message is libtorch's own (without its C++ backtrace).</summary>
public sealed class TorchException(string message) : Exception(message);
