namespace GatoMesh.Envs;

/// <summary>
/// Breadth-first search over the agent's (x, y, direction) states with the turn and forward
/// actions; objects block. Returns a shortest action sequence that leaves the agent facing the
/// goal cell, or null when none does (the goal walled in by other objects). Among shortest paths it
/// takes the first in successor order: turn left, turn right, forward (a forward-first order was tried
/// for learnability and learned no better: docs/TRAINING.md).
/// </summary>
internal static class GridPlanner
{
    public static List<int>? PathToFace(GridRoom room, int goalX, int goalY)
    {
        const int states = GridRoom.Side * GridRoom.Side * 4;
        var previous = new int[states];
        var how = new int[states];
        Array.Fill(previous, -2);
        var start = Index(room.AgentX, room.AgentY, room.Direction);
        previous[start] = -1;
        var queue = new Queue<int>();
        queue.Enqueue(start);
        while (queue.Count > 0)
        {
            var state = queue.Dequeue();
            var (x, y, d) = (state / 4 % GridRoom.Side, state / 4 / GridRoom.Side, state % 4);
            var (dx, dy) = GridRoom.Offset(d);
            if (x + dx == goalX && y + dy == goalY)
                return Unwind(state, previous, how);
            foreach (var (action, next) in Successors(room, x, y, d))
                if (previous[next] == -2)
                {
                    previous[next] = state;
                    how[next] = action;
                    queue.Enqueue(next);
                }
        }
        return null;
    }

    static IEnumerable<(int Action, int Next)> Successors(GridRoom room, int x, int y, int d)
    {
        yield return (GridWorldEnvironment.TurnLeft, Index(x, y, (d + 3) % 4));
        yield return (GridWorldEnvironment.TurnRight, Index(x, y, (d + 1) % 4));
        var (dx, dy) = GridRoom.Offset(d);
        if (GridRoom.Inside(x + dx, y + dy) && room.ObjectAt(x + dx, y + dy) < 0)
            yield return (GridWorldEnvironment.Forward, Index(x + dx, y + dy, d));
    }

    static List<int> Unwind(int state, int[] previous, int[] how)
    {
        var actions = new List<int>();
        for (; previous[state] >= 0; state = previous[state])
            actions.Add(how[state]);
        actions.Reverse();
        return actions;
    }

    static int Index(int x, int y, int d) => (y * GridRoom.Side + x) * 4 + d;
}
