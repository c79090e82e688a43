using GatoMesh.Data;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace GatoMesh.Eval;

/// <summary>
/// Encodes an 8-bit RGB image as PNG (ISO/IEC 15948): the signature, IHDR (colour type 2, no
/// interlace), one IDAT holding the zlib stream of the rows (each prefixed with filter 0), IEND.
/// Each chunk ends with the CRC-32 of its type and data. Small enough to own; no image library
/// is in this project's feed.
/// </summary>
internal static class PngWriter
{
    public static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>PNG bytes of <paramref name="rgb"/>, row-major <c>[height, width, 3]</c>.</summary>
    public static byte[] Encode(ReadOnlySpan<byte> rgb, int width, int height)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"{width}x{height}: both sides must be positive");
        if (rgb.Length != width * height * 3) throw new ArgumentException($"{rgb.Length} bytes for a {width}x{height} RGB image ({width * height * 3} needed)", nameof(rgb));
        using var png = new MemoryStream();
        png.Write(Signature);
        var header = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), (uint)height);
        header[8] = 8;   // bits per sample
        header[9] = 2;   // truecolour RGB
        // compression 0 (deflate), filter method 0, interlace 0: already zero.
        WriteChunk(png, "IHDR", header);
        using (var compressed = new MemoryStream())
        {
            using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
            {
                var stride = width * 3;
                for (var y = 0; y < height; y++)
                {
                    zlib.WriteByte(0);   // filter type None
                    zlib.Write(rgb.Slice(y * stride, stride));
                }
            }
            WriteChunk(png, "IDAT", compressed.ToArray());
        }
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    static void WriteChunk(Stream png, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, (uint)data.Length);
        png.Write(word);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        png.Write(typeBytes);
        png.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32.Append(Crc32.Append(0, typeBytes), data));
        png.Write(word);
    }
}
