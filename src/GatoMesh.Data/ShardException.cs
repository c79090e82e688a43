namespace GatoMesh.Data;

/// <summary>A shard that cannot be trusted. Names the file and the record (0-based; -1 for the
/// header) so an operator can find it; a reader never yields anything from or after such a record.</summary>
public abstract class ShardException(string path, int record, long offset, string problem)
    : Exception($"{path}: {(record < 0 ? "header" : $"record {record}")} at byte {offset}: {problem}")
{
    public string ShardPath { get; } = path;

    /// <summary>The 0-based index of the bad record, or -1 when the header is bad.</summary>
    public int Record { get; } = record;

    public long Offset { get; } = offset;
}

/// <summary>The file ends inside a record (an interrupted write, a partial copy).</summary>
public sealed class ShardTruncatedException(string path, int record, long offset, string problem)
    : ShardException(path, record, offset, problem);

/// <summary>A record whose checksum does not match, a bad magic or version, or a payload that does
/// not decode under the shard's spec.</summary>
public sealed class ShardCorruptException(string path, int record, long offset, string problem)
    : ShardException(path, record, offset, problem);
