using GatoMesh.Envs;

namespace GatoMesh.Fleet;

/// <summary>The tasks a fleet can run, by name: <see cref="SyntheticTask"/> and every task of
/// <see cref="TaskCatalog"/> (catch, gridworld, cartpole-swingup, reacher).</summary>
public static class FleetTasks
{
    public static IReadOnlyList<string> Names { get; } = [SyntheticTask.Name, .. TaskCatalog.All.Select(task => task.Name)];

    /// <summary>A factory of fresh environments of task <paramref name="name"/>; one per agent.</summary>
    public static Func<IEnvironment> Get(string name) => name == SyntheticTask.Name
        ? () => new SyntheticTask()
        : TaskCatalog.All.FirstOrDefault(task => task.Name == name)?.CreateEnvironment
          ?? throw new UnknownTaskException(name, Names);
}
