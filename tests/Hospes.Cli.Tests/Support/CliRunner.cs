using System.CommandLine;
using System.Text.Json;
using Hospes.Cli.Commands;
using Hospes.Client;
using Hospes.Client.Tests.Support;
using Hospes.Contracts;

namespace Hospes.Cli.Tests.Support;

/// <summary>Runs `hospes ARGS` in this process against a stub hospesd, with its output caught.</summary>
internal static class CliRunner
{
    public static async Task<CliRun> RunAsync(StubHandler stub, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        TextWriter oldOut = Console.Out;
        TextWriter oldError = Console.Error;
        Func<string?, HospesClient> oldConnect = CliContext.Connect;
        Console.SetOut(output);
        Console.SetError(error);
        CliContext.Connect = socket => new HospesClient(HospesConnection.Over(stub, socket ?? "/run/hospes/hospes.sock"));
        try
        {
            int exit = await CliRoot.Create().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
            return new CliRun(exit, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldError);
            CliContext.Connect = oldConnect;
        }
    }

    /// <summary>A wire record as hospesd sends it.</summary>
    public static string Json<T>(T value) => JsonSerializer.Serialize(value, WireJson.Options);

    /// <summary>A wire record as `--format json` prints it.</summary>
    public static string Printed<T>(T value) => JsonSerializer.Serialize(value, WireJson.Indented) + Environment.NewLine;
}

internal sealed record CliRun(int Exit, string Stdout, string Stderr)
{
    /// <summary>Asserts a failure that hospesd never heard of, and returns its message.</summary>
    public string Refused(StubHandler stub)
    {
        Assert.NotEqual(0, Exit);
        Assert.Empty(stub.Requests);
        return Stderr;
    }
}
