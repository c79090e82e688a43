using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GatoMesh.Tokens;

/// <summary>
/// 16 interleaved RGB bytes per channel (48 bytes) to three rows of 16 scaled floats, with x86
/// vector instructions (SSSE3 shuffles, AVX2 widening). Each channel gathers its bytes from the three 16-byte loads with one
/// shuffle per load (index 0x80 writes zero) and ORs them.
/// </summary>
internal static class RgbDeinterleave
{
    public static bool IsSupported => Ssse3.IsSupported && Avx2.IsSupported;

    static readonly Vector128<byte>[] Masks = BuildMasks();

    /// <summary>Masks[channel * 3 + load]: where channel c's byte i (global index 3 i + c) comes from
    /// in load k (bytes 16 k .. 16 k + 15), or 0x80.</summary>
    static Vector128<byte>[] BuildMasks()
    {
        var masks = new Vector128<byte>[9];
        for (var channel = 0; channel < 3; channel++)
            for (var load = 0; load < 3; load++)
            {
                var mask = new byte[16];
                for (var i = 0; i < 16; i++)
                {
                    var global = 3 * i + channel;
                    mask[i] = global / 16 == load ? (byte)(global % 16) : (byte)0x80;
                }
                masks[channel * 3 + load] = Vector128.Create(mask);
            }
        return masks;
    }

    public static unsafe void Row(byte* rgb, float* red, float* green, float* blue, float centre, float scale)
    {
        var v0 = Sse2.LoadVector128(rgb);
        var v1 = Sse2.LoadVector128(rgb + 16);
        var v2 = Sse2.LoadVector128(rgb + 32);
        var centres = Vector256.Create(centre);
        var scales = Vector256.Create(scale);
        Channel(v0, v1, v2, 0, red, centres, scales);
        Channel(v0, v1, v2, 1, green, centres, scales);
        Channel(v0, v1, v2, 2, blue, centres, scales);
    }

    static unsafe void Channel(Vector128<byte> v0, Vector128<byte> v1, Vector128<byte> v2, int channel, float* output,
        Vector256<float> centres, Vector256<float> scales)
    {
        var bytes = Sse2.Or(Sse2.Or(Ssse3.Shuffle(v0, Masks[channel * 3]), Ssse3.Shuffle(v1, Masks[channel * 3 + 1])),
            Ssse3.Shuffle(v2, Masks[channel * 3 + 2]));
        var low = Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(bytes));
        var high = Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(Sse2.ShiftRightLogical128BitLane(bytes, 8)));
        Avx.Store(output, Avx.Multiply(Avx.Subtract(low, centres), scales));
        Avx.Store(output + 8, Avx.Multiply(Avx.Subtract(high, centres), scales));
    }
}
