namespace GatoMesh.Envs;

/// <summary>A named task: how to make its environment and its scripted expert. The random
/// baseline is <see cref="RandomPolicy"/> over the environment's spec.</summary>
public sealed record EnvironmentTask(string Name, string Description, Func<IEnvironment> CreateEnvironment,
    Func<IEnvironment, IPolicy> CreateExpert)
{
    public IPolicy CreateRandom(IEnvironment environment) => new RandomPolicy(environment.Spec);
}
