package io.musc4j.spark;

import io.musc4j.engine.ProgressListener;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.Success$;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Reports tasks done / total of every Spark job the run submits, named by the job's description
 * (the stage of MuSc it computes).
 */
final class StageProgress extends SparkListener {

    private final ProgressListener out;
    private final Map<Integer, Job> byStage = new ConcurrentHashMap<>();

    private static final class Job {
        final String name;
        final int total;
        int done;

        Job(String name, int total) {
            this.name = name;
            this.total = total;
        }
    }

    StageProgress(ProgressListener out) {
        this.out = out;
    }

    @Override
    public void onJobStart(SparkListenerJobStart start) {
        String name = start.properties() == null ? null : start.properties().getProperty("spark.job.description");
        if (name == null) {
            return;
        }
        int total = 0;
        for (StageInfo s : CollectionConverters.asJava(start.stageInfos())) {
            total += s.numTasks();
        }
        Job job = new Job(name, total);
        for (StageInfo s : CollectionConverters.asJava(start.stageInfos())) {
            byStage.put(s.stageId(), job);
        }
        out.progress(name, 0, total);
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
        Job job = byStage.get(end.stageId());
        if (job == null || end.reason() != Success$.MODULE$) {
            return;
        }
        int done;
        synchronized (job) {
            done = ++job.done;
        }
        out.progress(job.name, done, job.total);
    }
}
