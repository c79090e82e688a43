using GatoMesh.Tokens;

namespace GatoMesh.Envs.Tests;

public class GridWorldTests
{
    static ActionValues Command(int command) => new ActionValues().SetDiscrete(GridWorldEnvironment.CommandKey, [command]);

    [Fact]
    public void The_mission_names_an_object_in_the_room_and_the_egocentric_view_shows_it_where_it_lies_from_the_agent()
    {
        using var environment = new GridWorldEnvironment();
        for (ulong seed = 0; seed < 50; seed++)
        {
            var observation = environment.Reset(seed);
            var mission = observation.GetText(GridWorldEnvironment.MissionKey);
            Assert.Matches("^(go to|pick up) the (red|green|blue|purple|yellow|grey) (ball|key|box)$", mission);
            var target = Assert.Single(environment.Room.Objects, environment.Mission.Names);
            var view = observation.GetDiscrete(GridWorldEnvironment.GridKey);
            Assert.Equal(GridRoom.View * GridRoom.View, view.Length);

            // Where the target lies from the agent, in the agent's frame: ahead along its facing, right of it.
            var room = environment.Room;
            var (fx, fy) = GridRoom.Offset(room.Direction);
            var (rx, ry) = GridRoom.Offset((room.Direction + 1) % 4);
            var (dx, dy) = (target.X - room.AgentX, target.Y - room.AgentY);
            var (ahead, right) = (dx * fx + dy * fy, dx * rx + dy * ry);
            Assert.Equal(GridRoom.ViewId(target), view[(GridRoom.Side - 1 - ahead) * GridRoom.View + right + GridRoom.Side - 1]);

            // Every object once, the floor's other cells empty, the rest of the view wall.
            Assert.Equal(room.Objects.Select(GridRoom.ViewId).Order(), view.Where(id => id > GridRoom.WallId).Order());
            Assert.Equal(GridRoom.View * GridRoom.View - GridRoom.Side * GridRoom.Side, view.Count(id => id == GridRoom.WallId));
            Assert.Equal(GridRoom.EmptyId, view[(GridRoom.Side - 1) * GridRoom.View + GridRoom.Side - 1]);
        }
    }

    [Fact]
    public void The_grid_is_encoded_before_the_mission_so_the_loss_predicts_the_mission_s_words_from_the_room()
    {
        using var environment = new GridWorldEnvironment();
        var encoder = new TimestepEncoder(environment.Spec, new TokenSpace(), TextModel.Tokenizer);
        var buffer = new TokenBuffer();
        var separator = encoder.Encode(environment.Reset(7).ToObservation(environment.Spec), null, buffer);
        var cells = GridRoom.View * GridRoom.View;
        var mission = TextModel.Tokenizer.Encode(environment.Mission.Text).ToArray();

        // The grid's cells first (conditioning only), then the mission's words (trained), then the separator.
        Assert.Equal(cells + mission.Length, separator);
        for (var i = 0; i < cells; i++)
            Assert.False(buffer.LossMask[i]);
        Assert.Equal(mission, buffer.Ids.Slice(cells, mission.Length).ToArray());
        for (var i = cells; i < separator; i++)
            Assert.True(buffer.LossMask[i]);
        // Cell (r, c) holds local position r * 11 + c, the local grid a fresh model starts on a row + column lattice.
        Assert.Equal([new LocalGrid(0, GridRoom.View, GridRoom.View)], environment.Spec.LocalGrids);
        for (var i = 0; i < cells; i++)
            Assert.Equal(i, buffer.LocalPositions[i]);
    }

    [Fact]
    public void Turning_right_rotates_the_view_so_what_was_on_the_right_is_ahead()
    {
        using var environment = new GridWorldEnvironment();
        const int n = GridRoom.View, c = GridRoom.Side - 1;
        for (ulong seed = 0; seed < 20; seed++)
        {
            var before = environment.Reset(seed).GetDiscrete(GridWorldEnvironment.GridKey);
            var result = environment.Step(Command(GridWorldEnvironment.TurnRight));
            if (result.Done)
                continue;
            var after = result.Observation.GetDiscrete(GridWorldEnvironment.GridKey);
            // A cell (ahead a, right b) before the turn is (ahead b, right -a) after it.
            for (var a = -c; a <= c; a++)
                for (var b = -c; b <= c; b++)
                    Assert.Equal(before[(c - a) * n + b + c], after[(c - b) * n - a + c]);
        }
    }

    [Fact]
    public void Object_view_ids_are_distinct_and_inside_the_field_s_range()
    {
        var ids = (from type in Enum.GetValues<ObjectType>() from color in Enum.GetValues<ObjectColor>()
                   select GridRoom.ViewId(new GridObject(type, color, 0, 0))).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.InRange(id, GridRoom.WallId + 1, GridRoom.ViewIds - 1));
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
    public void Among_shortest_paths_the_expert_turns_left_first_then_right_then_moves_forward()
    {
        using var environment = new GridWorldEnvironment();
        using var replay = new GridWorldEnvironment();
        int turns = 0, forwards = 0;
        for (ulong seed = 0; seed < 40; seed++)
        {
            environment.Reset(seed);
            var taken = new List<int>();
            for (var done = false; !done;)
            {
                var target = environment.Room.Objects.First(environment.Mission.Names);
                var path = GridPlanner.PathToFace(environment.Room, target.X, target.Y)!;
                if (path.Count > 0)
                {
                    // The length of a shortest path that starts with each action (null: that action cannot start one).
                    int? After(int command)
                    {
                        replay.Reset(seed);
                        foreach (var c in taken) replay.Step(Command(c));
                        var before = replay.Room.AgentX * 100 + replay.Room.AgentY;
                        replay.Step(Command(command));
                        if (command == GridWorldEnvironment.Forward && replay.Room.AgentX * 100 + replay.Room.AgentY == before) return null;
                        var rest = GridPlanner.PathToFace(replay.Room, target.X, target.Y);
                        return rest is null ? null : 1 + rest.Count;
                    }
                    if (After(GridWorldEnvironment.TurnLeft) == path.Count) Assert.Equal(GridWorldEnvironment.TurnLeft, path[0]);
                    else if (After(GridWorldEnvironment.TurnRight) == path.Count) Assert.Equal(GridWorldEnvironment.TurnRight, path[0]);
                    else Assert.Equal(GridWorldEnvironment.Forward, path[0]);
                    if (path[0] == GridWorldEnvironment.Forward) forwards++; else turns++;
                }
                var command = path.Count > 0 ? path[0] : GridWorldEnvironment.PickUp;
                taken.Add(command);
                done = environment.Step(Command(command)).Done;
            }
        }
        Assert.True(turns > 20 && forwards > 20, $"{turns} turns, {forwards} forward moves: both preferences exercised");
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
