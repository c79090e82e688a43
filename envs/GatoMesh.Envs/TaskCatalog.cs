namespace GatoMesh.Envs;

/// <summary>Every task GatoMesh ships, by name (docs/ENVS.md).</summary>
public static class TaskCatalog
{
    public static IReadOnlyList<EnvironmentTask> All { get; } =
    [
        new("catch", "Catch: 64x64 RGB, paddle left/stay/right, +1 catch / -1 miss",
            () => new CatchEnvironment(), _ => new CatchExpert()),
        new("gridworld", "BabyAI-style room: text mission, symbolic 6x6 grid, turn/forward/pick up",
            () => new GridWorldEnvironment(), env => new GridWorldExpert((GridWorldEnvironment)env)),
        new("cartpole-swingup", "MuJoCo cartpole swing-up: proprioception, continuous force, 200 steps at 50 Hz",
            () => new CartpoleSwingup(), _ => new CartpoleExpert()),
        new("reacher", "MuJoCo planar 2-link reacher: proprioception and target, continuous torques, 100 steps at 50 Hz",
            () => new Reacher(), _ => new ReacherExpert()),
    ];

    public static EnvironmentTask Get(string name) =>
        All.FirstOrDefault(task => task.Name == name)
        ?? throw new UnknownTaskException(name, All.Select(task => task.Name));
}

/// <summary>A task name the catalog does not know, with the names it does.</summary>
public sealed class UnknownTaskException(string name, IEnumerable<string> known)
    : Exception($"tasks = {name}: unknown task; known tasks: {string.Join(", ", known)}")
{
    public string Task { get; } = name;
}
