using System.Diagnostics;
using Analytics.IntegrationTests.Fixtures;
using Confluent.Kafka;
using static Analytics.IntegrationTests.Fixtures.KafkaTestClients;

namespace Analytics.IntegrationTests.Kafka;

/// <summary>kcat is a real Kafka client in another process: the mock cluster must serve it over TCP.</summary>
[Collection(KafkaCollection.Name)]
public sealed class KcatInteropTests(MockKafkaFixture kafka)
{
    private const string Kcat = "/usr/bin/kcat";

    [Fact]
    public async Task Messages_produced_by_kcat_are_read_by_our_consumer()
    {
        var options = kafka.Options(kafka.CreateTopic(partitions: 2));

        await RunKcatAsync($"-b {kafka.Bootstrap} -P -t {options.Topic} -K :", "a:apple\nb:banana\nc:cherry\n");

        using var consumer = Consumer(options);
        consumer.Assign(Enumerable.Range(0, 2).Select(p => new TopicPartitionOffset(options.Topic, p, Offset.Beginning)));
        var read = ConsumeExactly(consumer, 3).Select(r => $"{Text(r.Message.Key)}:{Text(r.Message.Value)}").Order();
        Assert.Equal(["a:apple", "b:banana", "c:cherry"], read);
    }

    [Fact]
    public async Task Messages_produced_by_us_are_read_by_kcat()
    {
        var options = kafka.Options(kafka.CreateTopic(partitions: 2));
        ProduceNumbered(options, 4);

        var output = await RunKcatAsync($"-b {kafka.Bootstrap} -C -t {options.Topic} -o beginning -e -q -f %k=%s\\n", stdin: null);

        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order();
        Assert.Equal(["key0=value0", "key1=value1", "key2=value2", "key3=value3"], lines);
    }

    private static async Task<string> RunKcatAsync(string arguments, string? stdin)
    {
        Assert.True(File.Exists(Kcat), $"{Kcat} is missing: run ./analytics setup (it installs kcat) and try again.");
        var start = new ProcessStartInfo(Kcat, arguments)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Patience);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }

        Assert.True(process.ExitCode == 0, $"kcat {arguments} exited with {process.ExitCode}: {await errors}");
        return await output;
    }
}
