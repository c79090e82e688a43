using System.Collections.Concurrent;

namespace GatoMesh.Runtime.Invocation;

/// <summary>
/// Grain interfaces and classes known to this process. The generated module initializer of each
/// assembly that declares grain interfaces or classes registers them here when the assembly loads, so
/// activation and dispatch need no reflection. A grain type is named by its interface's full name.
/// </summary>
public static class GrainTypeRegistry
{
    private static readonly ConcurrentDictionary<Type, GrainInterfaceRegistration> s_byInterface = new();
    private static readonly ConcurrentDictionary<string, GrainInterfaceRegistration> s_byName = new();
    private static readonly ConcurrentDictionary<string, GrainClassRegistration> s_classes = new();

    public static void RegisterInterface(
        string grainType,
        Type interfaceType,
        Func<GrainCaller, GrainId, GrainReference> createProxy,
        Func<int, GrainRequest?> createRequest)
    {
        var registration = new GrainInterfaceRegistration(grainType, interfaceType, createProxy, createRequest);
        s_byInterface[interfaceType] = registration;
        s_byName[grainType] = registration;
    }

    public static void RegisterClass(string grainType, Type grainClass, Func<Grain> create, bool reentrant, int statelessWorkerMaxLocal)
    {
        s_classes[grainType] = new GrainClassRegistration(grainType, grainClass, create, reentrant, statelessWorkerMaxLocal);
    }

    internal static GrainInterfaceRegistration GetInterface(Type interfaceType) =>
        s_byInterface.TryGetValue(interfaceType, out var r)
            ? r
            : throw new GrainTypeNotFoundException(interfaceType.FullName ?? interfaceType.Name);

    internal static GrainInterfaceRegistration? FindInterface(string grainType) =>
        s_byName.TryGetValue(grainType, out var r) ? r : null;

    internal static GrainClassRegistration? FindClass(string grainType) =>
        s_classes.TryGetValue(grainType, out var r) ? r : null;
}

internal sealed record GrainInterfaceRegistration(
    string GrainType,
    Type InterfaceType,
    Func<GrainCaller, GrainId, GrainReference> CreateProxy,
    Func<int, GrainRequest?> CreateRequest);

internal sealed record GrainClassRegistration(
    string GrainType,
    Type GrainClass,
    Func<Grain> Create,
    bool Reentrant,
    int StatelessWorkerMaxLocal)
{
    public bool IsStatelessWorker => StatelessWorkerMaxLocal > 0;
}
