using GatoMesh.Envs;

namespace GatoMesh.Fleet;

/// <summary>The tasks a fleet can run, by name: <see cref="SyntheticTask"/> and every task of
/// <see cref="TaskCatalog"/> (catch, gridworld, cartpole-swingup, reacher), and <see cref="ArmTask"/>.</summary>
public static class FleetTasks
{
    public static IReadOnlyList<string> Names { get; } = [SyntheticTask.Name, .. TaskCatalog.All.Select(task => task.Name), ArmTask.Name];

    /// <summary>A factory of fresh environments of task <paramref name="name"/>; one per agent.</summary>
    public static Func<IEnvironment> Get(string name) => name switch
    {
        SyntheticTask.Name => () => new SyntheticTask(),
        ArmTask.Name => () => new ArmTask(),
        _ => TaskCatalog.All.FirstOrDefault(task => task.Name == name)?.CreateEnvironment
          ?? throw new UnknownTaskException(name, Names),
    };
}
