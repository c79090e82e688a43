namespace GatoMesh.Tokens.Tests.Images;

public class PatchPositionsTests
{
    [Theory]
    [InlineData(0, 4, 0, 32)]
    [InlineData(3, 4, 96, 128)]
    [InlineData(0, 3, 0, 42)]
    [InlineData(1, 3, 42, 85)]
    [InlineData(2, 3, 85, 128)]
    [InlineData(0, 1, 0, 128)]
    [InlineData(200, 256, 100, 101)]
    public void Intervals_are_the_normalized_patch_span_quantized_to_128_buckets(int index, int count, int low, int high) =>
        Assert.Equal((low, high), PatchPositions.Interval(index, count));

    [Fact]
    public void Evaluation_takes_the_middle_of_the_interval()
    {
        Assert.Equal([16, 48, 80, 112], Enumerable.Range(0, 4).Select(i => PatchPositions.Evaluation.Pick(i, 4)));
        Assert.Equal(64, PatchPositions.Evaluation.Pick(0, 1));
    }

    [Fact]
    public void Training_samples_every_bucket_of_the_interval_and_nothing_outside()
    {
        var positions = PatchPositions.Training(new SeededRandom(7));
        var seen = Enumerable.Range(0, 4000).Select(_ => positions.Pick(1, 4)).ToHashSet();
        Assert.Equal(Enumerable.Range(32, 32).ToHashSet(), seen);
    }

    [Fact]
    public void Training_is_deterministic_for_a_seed()
    {
        int[] Draw(ulong seed)
        {
            var positions = PatchPositions.Training(new SeededRandom(seed));
            return Enumerable.Range(0, 64).Select(i => positions.Pick(i % 4, 4)).ToArray();
        }
        Assert.Equal(Draw(3), Draw(3));
        Assert.NotEqual(Draw(3), Draw(4));
    }
}
