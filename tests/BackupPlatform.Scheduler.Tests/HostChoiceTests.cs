using BackupPlatform.Scheduler;

namespace BackupPlatform.Scheduler.Tests;

public sealed class HostChoiceTests
{
    private static readonly Dictionary<string, HostLoad> NoLoad = [];

    [Fact]
    public void No_live_host_is_no_choice() =>
        Assert.Null(HostChoice.Choose([], NoLoad, null));

    [Fact]
    public void The_fewest_in_flight_wins_then_the_fewest_ever_given_then_the_name()
    {
        HostCandidate[] live = [new("c", false), new("a", false), new("b", false)];
        Assert.Equal("a", HostChoice.Choose(live, NoLoad, null));
        Assert.Equal("b", HostChoice.Choose(live, new Dictionary<string, HostLoad> { ["a"] = new(0, 5), ["b"] = new(0, 4), ["c"] = new(0, 4) }, null));
        Assert.Equal("c", HostChoice.Choose(live, new Dictionary<string, HostLoad> { ["a"] = new(1, 1), ["b"] = new(1, 1), ["c"] = new(0, 9) }, null));
    }

    [Fact]
    public void Choosing_one_after_another_on_the_load_each_adds_spreads_within_one()
    {
        HostCandidate[] live = [new("a", false), new("b", false), new("c", false)];
        var load = new Dictionary<string, HostLoad>();
        for (var i = 0; i < 24; i++)
        {
            var host = HostChoice.Choose(live, load, null)!;
            var l = load.GetValueOrDefault(host);
            load[host] = new(l.InFlight + 1, l.Total + 1);
        }

        Assert.All(live, h => Assert.Equal(8, load[h.Host].Total));
    }

    [Fact]
    public void A_draining_host_is_chosen_only_when_no_other_qualifies()
    {
        Assert.Equal("b-open", HostChoice.Choose([new("a-leaving", true), new("b-open", false)], NoLoad, null));
        Assert.Equal("b-open", HostChoice.Choose([new("a-leaving", true), new("b-open", false)], NoLoad, "a-leaving"));
        Assert.Equal("a-leaving", HostChoice.Choose([new("a-leaving", true)], NoLoad, null));
    }

    [Fact]
    public void The_preferred_host_wins_over_load_when_it_qualifies()
    {
        HostCandidate[] live = [new("a", false), new("b", false)];
        Assert.Equal("b", HostChoice.Choose(live, new Dictionary<string, HostLoad> { ["b"] = new(7, 7) }, "b"));
        Assert.Equal("a", HostChoice.Choose(live, NoLoad, "gone"));
    }
}
