using GatoMesh.Envs;
using GatoMesh.Tokens;

namespace GatoMesh.Eval.Tests;

/// <summary>A demonstration prompt is the end of an expert episode, whole timesteps within the token budget, on a
/// seed no evaluated episode uses.</summary>
public class DemonstrationPromptTests
{
    [Fact]
    public void A_prompt_is_the_last_whole_timesteps_of_an_expert_episode_that_fit_the_budget()
    {
        var task = TaskCatalog.Get("catch");
        var prompt = DemonstrationPrompt.For(task, seed: 7, tokens: 72);
        // A Catch timestep is 16 patches, the separator and one action: four fit 72 tokens.
        Assert.Equal(4, prompt.Count);
        using var environment = task.CreateEnvironment();
        var episode = Rollout.Run(task.Name, environment, task.CreateExpert(environment), 7 + DemonstrationPrompt.SeedOffset);
        var last = episode.Steps.TakeLast(4).ToList();
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(last[i].Observation.GetImage(CatchEnvironment.PixelsKey), prompt[i].Observation.GetImage(CatchEnvironment.PixelsKey));
            Assert.Equal(last[i].Action.GetDiscrete(CatchEnvironment.MoveKey), prompt[i].Action.GetDiscrete(CatchEnvironment.MoveKey));
        }
        Assert.Empty(DemonstrationPrompt.For(task, seed: 7, tokens: 17));
    }

    [Fact]
    public void A_task_whose_timesteps_carry_text_gets_no_prompt() =>
        Assert.Empty(DemonstrationPrompt.For(TaskCatalog.Get("gridworld"), seed: 7, tokens: TokenSpace.MaxObservationTokens));
}
