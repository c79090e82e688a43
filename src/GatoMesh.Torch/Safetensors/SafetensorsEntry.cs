namespace GatoMesh.Torch.Safetensors;

/// <summary>One tensor as the header describes it: its bytes are [Begin, End) of the data section,
/// which starts right after the header.</summary>
public sealed record SafetensorsEntry(string Name, DType DType, long[] Shape, long Begin, long End)
{
    public long ByteLength => End - Begin;
}
