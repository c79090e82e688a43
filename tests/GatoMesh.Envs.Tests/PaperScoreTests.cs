namespace GatoMesh.Envs.Tests;

public class PaperScoreTests
{
    [Theory]
    [InlineData(5, 1)]
    [InlineData(10, 1)]
    [InlineData(50, 5)]
    [InlineData(20000, 1000)]
    public void The_window_is_a_tenth_of_the_episodes_capped_at_a_thousand(int episodes, int window) =>
        Assert.Equal(window, PaperScore.Window(episodes));

    [Fact]
    public void The_expert_return_is_the_best_windowed_mean_in_collection_order()
    {
        // 20 episodes: window 2; the best adjacent pair is (9, 7).
        double[] returns = [1, 2, 3, 1, 9, 7, 0, 10, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1];
        Assert.Equal(8.0, PaperScore.ExpertReturn(returns));
    }

    [Fact]
    public void Normalized_scores_put_random_at_zero_and_expert_at_one()
    {
        Assert.Equal(0.0, PaperScore.Normalize(-0.8, -0.8, 1.0));
        Assert.Equal(1.0, PaperScore.Normalize(1.0, -0.8, 1.0));
        Assert.Equal(0.5, PaperScore.Normalize(0.1, -0.8, 1.0), 12);
        Assert.Throws<ArgumentException>(() => PaperScore.Normalize(1, 2, 2));
    }
}
