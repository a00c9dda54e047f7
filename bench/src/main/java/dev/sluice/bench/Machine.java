package dev.sluice.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The machine a result was measured on. */
final class Machine
{
    private Machine() {}

    static ObjectNode describe()
    {
        ObjectNode machine = new ObjectMapper().createObjectNode();
        machine.put("cpus", Runtime.getRuntime().availableProcessors());
        machine.put("cpu", firstLine(Path.of("/proc/cpuinfo"), "model name"));
        machine.put("memory", firstLine(Path.of("/proc/meminfo"), "MemTotal"));
        machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        machine.put("max_heap_mb", Runtime.getRuntime().maxMemory() / 1024 / 1024);
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        return machine;
    }

    private static String firstLine(Path file, String prefix)
    {
        try {
            return Files.readAllLines(file).stream().filter(line -> line.startsWith(prefix)).findFirst()
                    .map(line -> line.substring(line.indexOf(':') + 1).strip()).orElse("unknown");
        }
        catch (IOException e) {
            return "unknown";
        }
    }
}
