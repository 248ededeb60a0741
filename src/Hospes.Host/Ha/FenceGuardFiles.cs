namespace Hospes.Host.Ha;

/// <summary>The fence guard's files in the state dir: hospesd's orders, the guard's pid, its log, and its kills for hospesd to report.</summary>
internal sealed class FenceGuardFiles(string stateDir)
{
    public string StateDir { get; } = stateDir;

    public string Orders => Path.Combine(StateDir, "fence-guard.json");

    public string Pid => Path.Combine(StateDir, "fence-guard.pid");

    public string Log => Path.Combine(StateDir, "fence-guard.log");

    public string Fired => Path.Combine(StateDir, "fence-guard.fired");
}
