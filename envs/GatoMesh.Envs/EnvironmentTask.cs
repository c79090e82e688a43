namespace GatoMesh.Envs;

/// <summary>A named task: its domain, how to make its environment and its scripted expert. The random
/// baseline is <see cref="RandomPolicy"/> over the environment's spec.</summary>
public sealed record EnvironmentTask(string Name, TaskDomain Domain, string Description, Func<IEnvironment> CreateEnvironment,
    Func<IEnvironment, IPolicy> CreateExpert)
{
    public IPolicy CreateRandom(IEnvironment environment) => new RandomPolicy(environment.Spec);
}

/// <summary>The four kinds of data the tasks stand for (the paper's control, Atari-style pixel games, BabyAI,
/// and vision-language data).</summary>
public enum TaskDomain { Control, PixelGames, GridWorld, VisionLanguage }

public static class TaskDomainNames
{
    public static string Name(this TaskDomain domain) => domain switch
    {
        TaskDomain.Control => "continuous control",
        TaskDomain.PixelGames => "pixel games",
        TaskDomain.GridWorld => "language-conditioned grid world",
        _ => "vision-language",
    };
}
