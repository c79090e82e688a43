using System.Text;
using System.Text.RegularExpressions;
using Google.Protobuf;

namespace GatoMesh.Gateway;

/// <summary>
/// The request id of a frame that cannot be read whole (too large, or malformed further in), so its
/// error reply still reaches the caller waiting for it. Both encodings usually put it first: protobuf
/// writes fields in number order (request_id is field 1, a varint), and JSON writers keep declaration
/// order. 0 when it cannot be found (the reply then goes to no request in particular).
/// </summary>
internal static partial class FrameRequestId
{
    private const int JsonPrefixChars = 4096;

    public static ulong Recover(ReadOnlySpan<byte> prefix, bool json) => json ? FromJson(prefix) : FromProtobuf(prefix);

    private static ulong FromProtobuf(ReadOnlySpan<byte> prefix)
    {
        try
        {
            var input = new CodedInputStream(prefix[..Math.Min(prefix.Length, 16)].ToArray());
            return input.ReadTag() == WireFormat.MakeTag(1, WireFormat.WireType.Varint) ? input.ReadUInt64() : 0;
        }
        catch (InvalidProtocolBufferException)
        {
            return 0;
        }
    }

    private static ulong FromJson(ReadOnlySpan<byte> prefix)
    {
        var text = Encoding.UTF8.GetString(prefix[..Math.Min(prefix.Length, JsonPrefixChars)]);
        var match = RequestIdMember().Match(text);
        return match.Success && ulong.TryParse(match.Groups[1].ValueSpan, out var id) ? id : 0;
    }

    [GeneratedRegex("\"request(?:_i|I)d\"\\s*:\\s*\"?(\\d{1,20})")]
    private static partial Regex RequestIdMember();
}
