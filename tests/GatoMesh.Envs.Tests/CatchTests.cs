using GatoMesh.Tokens;

namespace GatoMesh.Envs.Tests;

public class CatchTests
{
    static ActionValues Move(int move) => new ActionValues().SetDiscrete(CatchEnvironment.MoveKey, [move]);

    [Fact]
    public void An_episode_lasts_until_the_ball_lands_and_pays_plus_one_for_a_catch_and_minus_one_for_a_miss()
    {
        using var environment = new CatchEnvironment();
        for (ulong seed = 0; seed < 20; seed++)
        {
            environment.Reset(seed);
            var expected = environment.BallColumn == environment.PaddleColumn ? 1f : -1f;
            var rewards = new List<float>();
            StepResult result;
            do
            {
                result = environment.Step(Move(1));
                rewards.Add(result.Reward);
            } while (!result.Done);
            Assert.Equal(CatchEnvironment.Cells - 1, rewards.Count);
            Assert.All(rewards.SkipLast(1), reward => Assert.Equal(0f, reward));
            Assert.Equal(expected, rewards[^1]);
        }
    }

    [Fact]
    public void The_image_shows_the_ball_and_the_paddle_in_their_cells()
    {
        using var environment = new CatchEnvironment();
        var pixels = environment.Reset(5).GetImage(CatchEnvironment.PixelsKey);
        Assert.Equal(64 * 64 * 3, pixels.Length);
        int Red(int row, int column) => pixels[(row * 4 * 64 + column * 4) * 3];
        Assert.Equal(240, Red(0, environment.BallColumn));
        Assert.Equal(1, Enumerable.Range(0, 16).Count(column => Red(0, column) != 0));
        Assert.Equal(70, Red(15, environment.PaddleColumn));
    }

    [Fact]
    public void The_paddle_stops_at_the_walls()
    {
        using var environment = new CatchEnvironment();
        ulong seed = 0;
        while (environment.Reset(seed) is not null && environment.PaddleColumn > 10)
            seed++;
        for (var i = 0; i < 14; i++)
            environment.Step(Move(0));
        Assert.Equal(0, environment.PaddleColumn);
        environment.Reset(seed);
        for (var i = 0; i < 14; i++)
            environment.Step(Move(2));
        Assert.Equal(CatchEnvironment.Cells - 1, environment.PaddleColumn);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(-1)]
    public void A_move_outside_left_stay_right_is_rejected_by_name(int move)
    {
        using var environment = new CatchEnvironment();
        environment.Reset(0);
        var error = Assert.Throws<InvalidValueException>(() => environment.Step(Move(move)));
        Assert.Equal("move", error.Field);
    }
}
