using GatoMesh.Data;
using GatoMesh.Tokens;

namespace GatoMesh.Envs;

/// <summary>The BabyAI-style bot: a shortest path (<see cref="GridPlanner"/>) to face the named
/// object, then the pick-up action when the mission asks for it. Reads the room of the
/// environment it serves.</summary>
public sealed class GridWorldExpert(GridWorldEnvironment environment) : IPolicy
{
    public void Reset(ulong seed) { }

    public ActionValues Act(FieldValues observation)
    {
        var room = environment.Room;
        var target = room.Objects.First(environment.Mission.Names);
        var path = GridPlanner.PathToFace(room, target.X, target.Y);
        var command = path is null or [] ? GridWorldEnvironment.PickUp : path[0];
        return new ActionValues().SetDiscrete(GridWorldEnvironment.CommandKey, [command]);
    }
}
