using GatoMesh.Torch.Optim;

namespace GatoMesh.Torch.Tests.Optim;

public class LearningRateScheduleTests
{
    private readonly LearningRateSchedule schedule = new(peak: 1e-4, warmupSteps: 15_000, totalSteps: 1_015_000);

    [Fact]
    public void Warmup_rises_linearly_from_zero_to_the_peak()
    {
        Assert.Equal(0, schedule.At(0));
        Assert.Equal(0.5e-4, schedule.At(7_500), 15);
        Assert.Equal(1e-4, schedule.At(15_000), 15);
    }

    [Fact]
    public void Cosine_decay_falls_to_a_tenth_of_the_peak_and_stays_there()
    {
        Assert.Equal(1e-5, schedule.Floor, 15);
        Assert.Equal((1e-4 + 1e-5) / 2, schedule.At(515_000), 15); // halfway: cos(pi/2) = 0
        Assert.Equal(1e-5 + 0.9e-4 * 0.5 * (1 + Math.Cos(Math.PI / 4)), schedule.At(265_000), 15);
        Assert.Equal(1e-5, schedule.At(1_015_000), 15);
        Assert.Equal(1e-5, schedule.At(5_000_000), 15);
        for (long s = 15_000; s < 1_015_000; s += 50_000) Assert.True(schedule.At(s + 50_000) < schedule.At(s));
    }

    [Fact]
    public void A_given_floor_and_bad_arguments()
    {
        var s = new LearningRateSchedule(2, 0, 10, floor: 0);
        Assert.Equal(2, s.At(0));
        Assert.Equal(0, s.At(10));
        Assert.Equal("totalSteps", Assert.Throws<ArgumentOutOfRangeException>(() => new LearningRateSchedule(1, 10, 5)).ParamName);
        Assert.Equal("floor", Assert.Throws<ArgumentOutOfRangeException>(() => new LearningRateSchedule(1, 0, 5, 2)).ParamName);
        Assert.Equal("step", Assert.Throws<ArgumentOutOfRangeException>(() => s.At(-1)).ParamName);
    }
}
