namespace GatoMesh.Data;

/// <summary>
/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320, the zlib/PNG checksum): the per-record
/// checksum of a shard. System.IO.Hashing is not in this project's NuGet feed, and a table-driven
/// CRC is short enough to own. Check value: CRC32("123456789") = 0xCBF43926.
/// </summary>
internal static class Crc32
{
    static readonly uint[] Table = BuildTable();

    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>Continues <paramref name="crc"/> (the CRC of the bytes before) over more bytes.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        var c = ~crc;
        foreach (var b in data)
            c = Table[(c ^ b) & 0xFF] ^ (c >> 8);
        return ~c;
    }

    static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }
}
