using GatoMesh.Data;
using GatoMesh.Tokens;

namespace GatoMesh.Envs.Tests;

/// <summary>The tasks beyond the first four: what each starts from, pays for and refuses.</summary>
public class NewTaskTests
{
    [Fact]
    public void The_balance_start_is_near_upright_and_the_expert_holds_it_there_for_the_whole_episode()
    {
        using var environment = new Cartpole(CartpoleStart.Balance);
        var position = environment.Reset(7).GetContinuous(Cartpole.PositionKey);
        Assert.True(position[1] > 0.999f, $"cos = {position[1]}");
        Assert.InRange(position[0], -0.1f, 0.1f);
        var episode = Rollout.Run("cartpole-balance", environment, new CartpoleExpert(), 7);
        Assert.Equal(200, episode.Steps.Count);
        Assert.All(episode.Steps, step => Assert.True(step.Reward > 0.9f));
    }

    [Fact]
    public void The_point_mass_pays_only_near_the_origin_and_its_expert_gets_there_and_stays()
    {
        using var environment = new PointMass();
        var start = environment.Reset(3).GetContinuous(PointMass.PositionKey);
        Assert.All(start, x => Assert.InRange(x, -0.25f, 0.25f));
        Assert.Equal(0f, environment.Step(new ActionValues().SetContinuous(PointMass.ForceKey, [0f, 0f])).Reward);
        environment.Reset(3);
        var episode = Rollout.Run("point-mass", environment, new PointMassExpert(), 3);
        var last = episode.Steps[^1].Observation.GetContinuous(PointMass.PositionKey);
        Assert.True(MathF.Sqrt(last[0] * last[0] + last[1] * last[1]) <= PointMass.TargetRadius, $"ends at ({last[0]}, {last[1]})");
        Assert.All(episode.Steps.TakeLast(20), step => Assert.Equal(1f, step.Reward));
        environment.Reset(3);
        Assert.Equal("force[1]", Assert.Throws<InvalidValueException>(() =>
            environment.Step(new ActionValues().SetContinuous(PointMass.ForceKey, [0f, float.NaN]))).Field);
    }

    [Fact]
    public void Pixel_goto_pays_one_on_reaching_the_goal_and_its_expert_takes_a_shortest_path()
    {
        using var environment = new PixelGotoEnvironment();
        for (ulong seed = 0; seed < 20; seed++)
        {
            var pixels = environment.Reset(seed).GetImage(PixelGotoEnvironment.ScreenKey);
            var agent = PixelGotoEnvironment.Find(pixels, PixelGotoEnvironment.AgentColor);
            var goal = PixelGotoEnvironment.Find(pixels, PixelGotoEnvironment.GoalColor);
            Assert.NotEqual(agent, goal);
            var episode = Rollout.Run("pixel-goto", environment, new PixelGotoExpert(), seed);
            Assert.Equal(Math.Abs(agent.Row - goal.Row) + Math.Abs(agent.Column - goal.Column), episode.Steps.Count);
            Assert.Equal(1.0, episode.Return);
        }
        environment.Reset(0);
        Assert.Equal("move", Assert.Throws<InvalidValueException>(() =>
            environment.Step(new ActionValues().SetDiscrete(PixelGotoEnvironment.MoveKey, [5]))).Field);
    }

    [Fact]
    public void Pixel_goto_ends_with_nothing_when_the_steps_run_out()
    {
        using var environment = new PixelGotoEnvironment();
        environment.Reset(4);
        StepResult result = default;
        for (var t = 0; t < environment.MaxSteps && !result.Done; t++)
            result = environment.Step(new ActionValues().SetDiscrete(PixelGotoEnvironment.MoveKey, [1]));
        Assert.True(result.Done);
        Assert.Equal(0f, result.Reward);
    }

    [Fact]
    public void A_caption_is_its_objects_in_reading_order_one_word_a_token()
    {
        GridObject[] objects = [new(ObjectType.Key, ObjectColor.Blue, 4, 2), new(ObjectType.Ball, ObjectColor.Red, 1, 0), new(ObjectType.Box, ObjectColor.Grey, 0, 2)];
        var words = CaptionWords.Of(objects);
        Assert.Equal("a red ball, a grey box and a blue key", CaptionWords.Text(words));
        Assert.Equal(11, words.Length);
        Assert.Equal("a red ball", CaptionWords.Text(CaptionWords.Of(objects.Take(2).Skip(1))));
        Assert.All(Enumerable.Range(0, 200).Select(s => CaptionWords.Of(CaptionedScenes.Scene((ulong)s).Objects)),
            caption => Assert.True(caption.Length < CaptionWords.MaxTokens));
        // The unscored caption pairs name each scene with the same words.
        Assert.Equal(CaptionedScenes.Generate(9).Caption, CaptionWords.Text(CaptionWords.Of(CaptionedScenes.Scene(9).Objects)));
    }

    [Fact]
    public void Token_accuracy_counts_the_references_words_and_its_end_at_their_positions()
    {
        int[] reference = [1, 4, 10];                                  // "a red ball"
        Assert.Equal(1.0, CaptionWords.TokenAccuracy([1, 4, 10, 0, 7, 7], reference));   // after the end, anything
        Assert.Equal(0.75, CaptionWords.TokenAccuracy([1, 5, 10, 0], reference));        // one wrong word
        Assert.Equal(0.75, CaptionWords.TokenAccuracy([1, 4, 10, 2], reference));        // runs on past the end
        Assert.Equal(0.5, CaptionWords.TokenAccuracy([1, 4], reference));                // stops early
        Assert.Equal(0.0, CaptionWords.TokenAccuracy([4, 10, 3, 3], reference));         // shifted by one
    }

    [Fact]
    public void The_caption_task_rewards_token_accuracy_and_refuses_words_outside_its_vocabulary()
    {
        using var environment = new CaptionEnvironment();
        environment.Reset(5);
        var expert = new CaptionExpert(environment).Act(new FieldValues());
        Assert.Equal(1f, environment.Step(expert).Reward);
        environment.Reset(5);
        var wrong = new int[CaptionWords.MaxTokens];
        Assert.Equal((float)(1.0 / (environment.Reference.Count + 1)), environment.Step(new ActionValues().SetDiscrete(CaptionEnvironment.CaptionKey, wrong)).Reward);
        environment.Reset(5);
        var outside = new int[CaptionWords.MaxTokens];
        outside[3] = CaptionWords.Count;
        Assert.Equal("caption[3]", Assert.Throws<InvalidValueException>(() =>
            environment.Step(new ActionValues().SetDiscrete(CaptionEnvironment.CaptionKey, outside))).Field);
    }
}
