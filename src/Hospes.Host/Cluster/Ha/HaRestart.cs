namespace Hospes.Host.Cluster.Ha;

/// <summary>
/// The value of `harestart/&lt;vm&gt;`: the leader's order to <paramref name="Host"/> (the VM's owner since the same
/// transaction) to define the VM from its `ha/` record and start it, because <paramref name="From"/> died.
/// </summary>
internal sealed record HaRestart(string Host, string From, DateTimeOffset At);
