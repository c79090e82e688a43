using GatoMesh.Tokens;

namespace GatoMesh.Envs.Tests;

public class GridWorldTests
{
    static ActionValues Command(int command) => new ActionValues().SetDiscrete(GridWorldEnvironment.CommandKey, [command]);

    [Fact]
    public void The_mission_names_an_object_in_the_room_and_the_grid_shows_it()
    {
        using var environment = new GridWorldEnvironment();
        for (ulong seed = 0; seed < 50; seed++)
        {
            var observation = environment.Reset(seed);
            var mission = observation.GetText(GridWorldEnvironment.MissionKey);
            Assert.Matches("^(go to|pick up) the (red|green|blue|purple|yellow|grey) (ball|key|box)$", mission);
            var target = Assert.Single(environment.Room.Objects, environment.Mission.Names);
            var grid = observation.GetDiscrete(GridWorldEnvironment.GridKey);
            Assert.Equal((int)target.Type, grid[(target.Y * GridRoom.Side + target.X) * 2]);
            Assert.Equal((int)target.Color, grid[(target.Y * GridRoom.Side + target.X) * 2 + 1]);
            Assert.Equal(GridRoom.AgentId, grid[(environment.Room.AgentY * GridRoom.Side + environment.Room.AgentX) * 2]);
        }
    }

    [Fact]
    public void Reaching_the_goal_pays_the_babyai_reward_for_the_steps_taken()
    {
        using var environment = new GridWorldEnvironment();
        var expert = new GridWorldExpert(environment);
        for (ulong seed = 0; seed < 30; seed++)
        {
            var episode = Rollout.Run("gridworld", environment, expert, seed);
            var steps = episode.Steps.Count;
            Assert.Equal(1f - 0.9f * steps / environment.MaxSteps, episode.Steps[^1].Reward);
            Assert.All(episode.Steps.SkipLast(1), step => Assert.Equal(0f, step.Reward));
        }
    }

    [Fact]
    public void Picking_up_the_wrong_object_ends_the_episode_without_reward()
    {
        using var environment = new GridWorldEnvironment();
        for (ulong seed = 0; ; seed++)
        {
            environment.Reset(seed);
            var other = environment.Room.Objects.FirstOrDefault(o => !environment.Mission.Names(o));
            var path = GridPlanner.PathToFace(environment.Room, other.X, other.Y);
            if (path is null || path.Count == 0 || !environment.Mission.PickUp)
                continue;
            StepResult result = default;
            foreach (var command in path)
            {
                result = environment.Step(Command(command));
                if (result.Done)
                    break;
            }
            if (result.Done)
                continue;
            result = environment.Step(Command(GridWorldEnvironment.PickUp));
            Assert.True(result.Done);
            Assert.Equal(0f, result.Reward);
            return;
        }
    }

    [Fact]
    public void Walls_and_objects_block_the_agent()
    {
        using var environment = new GridWorldEnvironment();
        environment.Reset(4);
        for (var i = 0; i < 10; i++)
            environment.Step(Command(GridWorldEnvironment.Forward));
        var (x, y) = environment.Room.Front;
        Assert.True(!GridRoom.Inside(x, y) || environment.Room.ObjectAt(x, y) >= 0);
    }
}
