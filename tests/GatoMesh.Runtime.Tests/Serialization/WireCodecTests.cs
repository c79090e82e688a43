using FsCheck;
using FsCheck.Fluent;
using GatoMesh.Runtime.Serialization;

namespace GatoMesh.Runtime.Tests.Serialization;

public sealed class WireCodecTests
{
    private static T RoundTrip<T>(T value)
    {
        var w = new WireWriter();
        WireCodec<T>.Write(w, value);
        var bytes = w.WrittenSpan.ToArray();
        w.ReturnBuffer();
        var r = new WireReader(bytes);
        var back = WireCodec<T>.Read(r);
        Assert.Equal(0, r.Remaining);
        return back;
    }

    public sealed record Reading(string Sensor, double[] Values, int? Step);

    [Fact]
    public void Primitives_strings_and_json_records_round_trip()
    {
        Prop.ForAll<int, long, string>((i, l, s) =>
            RoundTrip(i) == i && RoundTrip(l) == l && RoundTrip(s) == s).QuickCheckThrowOnFailure();
        Prop.ForAll<NormalFloat, Guid>((d, g) =>
            RoundTrip(d.Get) == d.Get && RoundTrip(g) == g).QuickCheckThrowOnFailure();
        var reading = RoundTrip(new Reading("imu", [1.5, -2], 7));
        Assert.Equal("imu", reading.Sensor);
        Assert.Equal([1.5, -2], reading.Values);
        Assert.Equal(7, reading.Step);
        Assert.Null(RoundTrip<byte[]?>(null));
    }

    [Fact]
    public void A_truncated_value_raises_a_wire_format_error_naming_the_shortfall()
    {
        var w = new WireWriter();
        w.WriteString("hello world");
        var bytes = w.WrittenSpan[..8].ToArray();
        var e = Assert.Throws<WireFormatException>(() => new WireReader(bytes).ReadString());
        Assert.Contains("too short", e.Message);
    }

    [Fact]
    public void A_lying_length_or_bad_json_is_rejected_not_trusted()
    {
        var w = new WireWriter();
        w.WriteInt32(int.MaxValue);
        Assert.Throws<WireFormatException>(() => WireCodec<string>.Read(new WireReader(w.WrittenSpan.ToArray())));
        var j = new WireWriter();
        j.WriteBytes("{not json"u8);
        Assert.Throws<WireFormatException>(() => WireCodec<Reading>.Read(new WireReader(j.WrittenSpan.ToArray())));
    }
}
