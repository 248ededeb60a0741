namespace Hospes.Testing;

/// <summary>How <see cref="Daemon.StartAsync(DaemonOptions)"/> starts a hospesd.</summary>
public sealed record DaemonOptions
{
    /// <summary>
    /// The folder for its state dir, socket and log. Null (the default): a new temp folder named
    /// <see cref="TempPrefix"/> and random characters, removed on dispose; a folder given here is left to its owner.
    /// </summary>
    public string? Dir { get; init; }

    public string TempPrefix { get; init; } = "hit-";

    /// <summary>Copied into the state dir's images folder before hospesd starts.</summary>
    public TinyImage? Image { get; init; }

    /// <summary>The network namespace hospesd runs in; null for the caller's own.</summary>
    public NetNs? Netns { get; init; }

    /// <summary>Arguments after --state-dir and --socket (settings such as --memory-policy).</summary>
    public IReadOnlyList<string> Args { get; init; } = [];

    /// <summary>The cgroup.procs file of a cgroup hospesd joins before it runs; its QEMUs, its children, stay there too.</summary>
    public string? CgroupProcs { get; init; }

    /// <summary>How long one CLI command may take before it is killed (<see cref="Daemon.CliAsync"/>); <see cref="Timeout.InfiniteTimeSpan"/> for no limit.</summary>
    public TimeSpan CliTimeout { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>Variables set in hospesd's environment (and so its QEMUs'), such as TZ.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>How long hospesd may take to answer on its socket.</summary>
    public TimeSpan StartLimit { get; init; } = TimeSpan.FromSeconds(60);
}
