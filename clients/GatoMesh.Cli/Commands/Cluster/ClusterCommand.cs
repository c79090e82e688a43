using System.CommandLine;

namespace GatoMesh.Cli;

/// <summary><c>gatomesh cluster up|down</c>: a local multi-silo cluster for development (docs/MEMBERSHIP.md, "Local cluster").</summary>
internal static class ClusterCommand
{
    public static Command Create() => new("cluster", "start or stop a local multi-silo cluster (redis-server + silo processes)")
    {
        ClusterUpCommand.Create(),
        ClusterDownCommand.Create(),
    };
}
