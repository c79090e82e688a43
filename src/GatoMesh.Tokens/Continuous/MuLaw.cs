namespace GatoMesh.Tokens;

/// <summary>
/// Gato's continuous-value quantizer (paper section 2.1): mu-law companding
/// <c>F(x) = sgn(x) ln(|x| mu + 1) / ln(M mu + 1)</c> with mu = 100, M = 256, clipped to [-1, 1] and
/// cut into 1024 uniform bins, <c>bin = floor((y + 1) / 2 * 1024)</c>, 1023 at y = 1. Decoding returns
/// the bin centre through F's inverse, so <c>|F(decode(bin(x))) - clip(F(x))|</c> is at most half a
/// bin (1/1024) and the encoding is monotone in x. Arithmetic is in double so ids do not depend on
/// the platform's float rounding near bin edges.
/// </summary>
public static class MuLaw
{
    public const double Mu = 100.0;
    public const double M = 256.0;

    /// <summary>ln(M mu + 1) = ln(25601), F's normalizer.</summary>
    static readonly double LogNormalizer = Math.Log(M * Mu + 1.0);

    /// <summary>F(x), not clipped.</summary>
    public static double Compand(double x) => Math.Sign(x) * Math.Log(Math.Abs(x) * Mu + 1.0) / LogNormalizer;

    /// <summary>F's inverse: <c>sgn(y) ((M mu + 1)^|y| - 1) / mu</c>.</summary>
    public static double Expand(double y) => Math.Sign(y) * (Math.Exp(Math.Abs(y) * LogNormalizer) - 1.0) / Mu;

    /// <summary>The bin in <c>[0, 1024)</c> of a finite value. NaN and infinities are the caller's to
    /// reject (<see cref="ContinuousTokenizer"/> does); here they would land in an edge bin.</summary>
    public static int Bin(double x)
    {
        var y = Math.Clamp(Compand(x), -1.0, 1.0);
        var bin = (int)Math.Floor((y + 1.0) / 2.0 * TokenSpace.BinCount);
        return Math.Min(bin, TokenSpace.BinCount - 1);
    }

    /// <summary>The centre of a bin in companded space, <c>(bin + 0.5) / 512 - 1</c>.</summary>
    public static double BinCentre(int bin) => (bin + 0.5) * 2.0 / TokenSpace.BinCount - 1.0;

    /// <summary>The value a bin decodes to: the bin centre through F's inverse.</summary>
    public static double Decode(int bin) => Expand(BinCentre(bin));
}
