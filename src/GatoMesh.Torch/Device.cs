namespace GatoMesh.Torch;

/// <summary>Device kinds, numbered as libtorch's c10::DeviceType.</summary>
public enum DeviceType : sbyte
{
    Cpu = 0,
    Cuda = 1,
}

/// <summary>A compute device: "cpu" or "cuda:N".</summary>
public readonly record struct Device(DeviceType Type, int Index = -1)
{
    public static Device Cpu => new(DeviceType.Cpu);
    public static Device Cuda(int index = 0) => new(DeviceType.Cuda, index);

    public static Device Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text == "cpu") return Cpu;
        if (text == "cuda") return Cuda(0);
        if (text.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(text.AsSpan(5), out var index) && index >= 0)
            return Cuda(index);
        throw new ArgumentException($"device '{text}' is not 'cpu', 'cuda' or 'cuda:N'", nameof(text));
    }

    public override string ToString() => Type == DeviceType.Cpu ? "cpu" : $"cuda:{Math.Max(Index, 0)}";
}
