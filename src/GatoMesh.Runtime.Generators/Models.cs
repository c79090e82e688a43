using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace GatoMesh.Runtime.Generators;

// Value-equal descriptions of what the generator emits, so the incremental pipeline can cache them.

internal enum ReturnKind
{
    Task,
    TaskOfT,
    ValueTask,
    ValueTaskOfT,
}

internal sealed record ParameterModel(string Name, string Type);

internal sealed record MethodModel(
    string Name,
    string DeclaringInterface,
    int Id,
    ReturnKind Kind,
    string ResultType,
    string ReturnType,
    ImmutableArray<ParameterModel> Parameters)
{
    public bool Equals(MethodModel? other) =>
        other is not null && Name == other.Name && DeclaringInterface == other.DeclaringInterface && Id == other.Id
        && Kind == other.Kind && ResultType == other.ResultType && Parameters.SequenceEqual(other.Parameters);

    public override int GetHashCode() => Id;
}

internal sealed record InterfaceModel(
    string FullName,
    string GrainType,
    string Mangled,
    ImmutableArray<MethodModel> Methods,
    ImmutableArray<string> Errors,
    Location? Location)
{
    public bool Equals(InterfaceModel? other) =>
        other is not null && FullName == other.FullName && Methods.SequenceEqual(other.Methods) && Errors.SequenceEqual(other.Errors);

    public override int GetHashCode() => FullName.GetHashCode();
}

internal sealed record ClassModel(string FullName, ImmutableArray<string> GrainTypes, bool Reentrant, int StatelessWorkers)
{
    public bool Equals(ClassModel? other) =>
        other is not null && FullName == other.FullName && GrainTypes.SequenceEqual(other.GrainTypes)
        && Reentrant == other.Reentrant && StatelessWorkers == other.StatelessWorkers;

    public override int GetHashCode() => FullName.GetHashCode();
}
