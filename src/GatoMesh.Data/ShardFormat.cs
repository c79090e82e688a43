namespace GatoMesh.Data;

/// <summary>
/// The byte layout of a shard (docs/DATA.md), little-endian:
/// <code>
/// header: magic "GMSHARD\0" (8) | version u32 | length u32 | header JSON (UTF-8) | CRC32(length || JSON) u32
/// record: length u32 | payload | CRC32(length || payload) u32
/// </code>
/// The checksum covers the length prefix too, so a flipped length byte is reported as corruption
/// rather than read as a different record boundary.
/// </summary>
internal static class ShardFormat
{
    public static ReadOnlySpan<byte> Magic => "GMSHARD\0"u8;
    public const uint Version = 1;

    /// <summary>No record is this large (a 64x64 image episode is tens of kB); a larger length
    /// prefix is corruption, not a reason to allocate.</summary>
    public const int MaxRecordBytes = 64 << 20;

    public const string Extension = ".gmshard";
}
