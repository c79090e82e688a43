using FsCheck;
using FsCheck.Fluent;

namespace GatoMesh.Tokens.Tests.Continuous;

public class MuLawTests
{
    // Hand-derived from F(x) = sgn(x) ln(100|x| + 1) / ln(25601), ln(25601) = 10.150428:
    //   x = 0:    y = 0                               -> floor(0.5 * 1024)            = 512
    //   x = 0.5:  y = ln(51)/ln(25601)  = 0.387357    -> floor(1.387357 * 512)        = 710
    //   x = -1.2: y = -ln(121)/ln(25601) = -0.472474  -> floor(0.527526 * 512)        = 270
    //   x = 1:    y = ln(101)/ln(25601) = 0.454674    -> floor(1.454674 * 512)        = 744
    //   x = -1:   y = -0.454674                       -> floor(0.545326 * 512)        = 279
    //   x = 256:  y = 1 (the clip's edge)             -> 1024, held at the last bin   = 1023
    //   x = -256: y = -1                              -> 0
    //   x = 1000: y = 1.134 clipped to 1              -> 1023
    [Theory]
    [InlineData(0.0, 512)]
    [InlineData(0.5, 710)]
    [InlineData(-1.2, 270)]
    [InlineData(1.0, 744)]
    [InlineData(-1.0, 279)]
    [InlineData(256.0, 1023)]
    [InlineData(-256.0, 0)]
    [InlineData(1000.0, 1023)]
    [InlineData(-1e9, 0)]
    public void Bins_match_the_hand_derived_vectors(double x, int bin) => Assert.Equal(bin, MuLaw.Bin(x));

    // Bin centre of 512 is y = 0.5/512; F^-1(y) = (25601^y - 1)/100 = 9.9618e-5.
    // Bin 1023's centre is y = 1023.5/512 - 1 = 0.9990234; F^-1 = (25601^0.9990234 - 1)/100 = 253.4748.
    [Theory]
    [InlineData(512, 9.9618e-5, 1e-8)]
    [InlineData(710, 0.5017532, 1e-6)]
    [InlineData(270, -1.1902874, 1e-6)]
    [InlineData(1023, 253.47484, 1e-4)]
    [InlineData(0, -253.47484, 1e-4)]
    public void Decoding_returns_the_bin_centre_through_the_inverse(int bin, double value, double tolerance) =>
        Assert.Equal(value, MuLaw.Decode(bin), tolerance);

    [Fact]
    public void Expand_inverts_compand()
    {
        Prop.ForAll(Values(), x => Math.Abs(MuLaw.Expand(MuLaw.Compand(x)) - x) <= 1e-9 * Math.Max(1, Math.Abs(x)))
            .QuickCheckThrowOnFailure();
    }

    [Fact]
    public void A_round_trip_stays_within_half_a_bin_in_mu_law_space()
    {
        const double halfBin = 1.0 / TokenSpace.BinCount;
        Prop.ForAll(Values(), x =>
        {
            var y = Math.Clamp(MuLaw.Compand(x), -1, 1);
            var decoded = MuLaw.Decode(MuLaw.Bin(x));
            return Math.Abs(MuLaw.Compand(decoded) - y) <= halfBin + 1e-12;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Bins_are_monotone_in_x()
    {
        Prop.ForAll(Values(), Values(), (a, b) =>
        {
            var (low, high) = a <= b ? (a, b) : (b, a);
            return MuLaw.Bin(low) <= MuLaw.Bin(high);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Every_bin_decodes_to_a_value_inside_itself()
    {
        for (var bin = 0; bin < TokenSpace.BinCount; bin++)
            Assert.Equal(bin, MuLaw.Bin(MuLaw.Decode(bin)));
    }

    /// <summary>Finite values over many magnitudes, past the clip at |x| = 256.</summary>
    static Arbitrary<double> Values() =>
        Gen.Choose(-1_000_000, 1_000_000).SelectMany(mantissa => Gen.Choose(-6, 3), (mantissa, exponent) => mantissa / 1e6 * Math.Pow(10, exponent))
            .ToArbitrary();
}
