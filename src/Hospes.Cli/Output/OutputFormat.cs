namespace Hospes.Cli.Output;

internal enum OutputFormat
{
    Table,
    Json,
}
