namespace GatoMesh.Eval.Tests;

public class TaskResultTests
{
    static TaskResult Of(params double[] returns) =>
        new("t", returns.Length, returns.Average(), (returns.Average() - 0) / (10 - 0), 10, 0, returns);

    [Fact]
    public void The_standard_error_is_the_returns_sample_deviation_over_root_n_on_the_normalized_scale()
    {
        // Returns 0, 10, 10, 0: mean 5, sample variance 4 * 25 / 3, standard error sqrt(100/3 / 4), then / (10 - 0).
        var result = Of(0, 10, 10, 0);
        Assert.Equal(Math.Sqrt(100.0 / 3 / 4) / 10, result.NormalizedStandardError, 12);
        Assert.Equal(0, Of(4, 4, 4).NormalizedStandardError);
        Assert.True(double.IsNaN(Of(4).NormalizedStandardError));
    }

    [Fact]
    public void The_expert_level_share_counts_episodes_at_eight_tenths_of_the_expert_on_the_normalized_scale()
    {
        // Random 0, expert 10: 8 is exactly at the bar, 7.9 below it.
        Assert.Equal(0.5, Of(8, 7.9, 10, 0).ExpertLevelShare);
        // Same mean, different make-up: all half-solved against half solved.
        Assert.Equal(0, Of(5, 5, 5, 5).ExpertLevelShare);
        Assert.Equal(0.5, Of(10, 0, 10, 0).ExpertLevelShare);
    }
}
