namespace GatoMesh.Envs;

/// <summary>Every task GatoMesh ships, by name, grouped by the paper's kinds of data (docs/ENVS.md).</summary>
public static class TaskCatalog
{
    public static IReadOnlyList<EnvironmentTask> All { get; } =
    [
        new("catch", TaskDomain.PixelGames, "Catch: 64x64 RGB, paddle left/stay/right, +1 catch / -1 miss",
            () => new CatchEnvironment(), _ => new CatchExpert()),
        new("pixel-goto", TaskDomain.PixelGames, "Pixel go-to: 64x64 RGB, move a green cell onto a yellow one, 40 steps",
            () => new PixelGotoEnvironment(), _ => new PixelGotoExpert()),
        new("gridworld", TaskDomain.GridWorld, "BabyAI-style room: text mission, symbolic 6x6 grid, turn/forward/pick up",
            () => new GridWorldEnvironment(), env => new GridWorldExpert((GridWorldEnvironment)env)),
        new("cartpole-swingup", TaskDomain.Control, "MuJoCo cartpole swing-up: proprioception, continuous force, 200 steps at 50 Hz",
            () => new Cartpole(CartpoleStart.SwingUp), _ => new CartpoleExpert()),
        new("cartpole-balance", TaskDomain.Control, "MuJoCo cartpole balance: the pole starts near upright, continuous force, 200 steps at 50 Hz",
            () => new Cartpole(CartpoleStart.Balance), _ => new CartpoleExpert()),
        new("reacher", TaskDomain.Control, "MuJoCo planar 2-link reacher: proprioception and target, continuous torques, 100 steps at 50 Hz",
            () => new Reacher(), _ => new ReacherExpert()),
        new("point-mass", TaskDomain.Control, "MuJoCo planar point mass to the origin: position and velocity, continuous forces, 100 steps at 50 Hz",
            () => new PointMass(), _ => new PointMassExpert()),
        new("caption", TaskDomain.VisionLanguage, "Captioning: 64x64 RGB scene to a caption of up to 16 words, scored by token accuracy",
            () => new CaptionEnvironment(), env => new CaptionExpert((CaptionEnvironment)env)),
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
