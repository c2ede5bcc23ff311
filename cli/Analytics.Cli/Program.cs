namespace Analytics.Cli;

internal static class Program
{
    public static int Main(string[] args)
    {
        Console.Error.WriteLine("analytics: commands are being assembled; see README.md.");
        return args.Length == 0 ? 0 : 2;
    }
}
