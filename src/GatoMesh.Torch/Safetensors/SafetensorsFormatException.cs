namespace GatoMesh.Torch.Safetensors;

/// <summary>
/// A safetensors file (or the tensors about to be written as one) breaks the format: the message names
/// the file, the tensor (when one is at fault) and the field and value.
/// </summary>
public sealed class SafetensorsFormatException : Exception
{
    public SafetensorsFormatException(string path, string? tensor, string message)
        : base(tensor is null ? $"{path}: {message}" : $"{path}: tensor '{tensor}': {message}")
    {
        Path = path;
        Tensor = tensor;
    }

    /// <summary>The file being read or written.</summary>
    public string Path { get; }

    /// <summary>The tensor at fault, or null when the fault is in the file as a whole.</summary>
    public string? Tensor { get; }
}
