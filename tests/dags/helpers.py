"""Reading what a dag.test() run left in Airflow's metadata DB."""

from __future__ import annotations

from typing import Any


def task_states(run: Any) -> dict[str, str]:
    """task_id (and, for mapped tasks, task_id[label]) -> state of one DAG run."""
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session

    with create_session() as session:
        rows = (
            session.query(TaskInstance)
            .filter(TaskInstance.dag_id == run.dag_id, TaskInstance.run_id == run.run_id)
            .all()
        )
        return {_name(ti): str(ti.state) for ti in rows}


def task_labels(run: Any) -> dict[str, str]:
    """Mapped task instances' labels as the UI shows them (task_id[index] -> label)."""
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session

    with create_session() as session:
        rows = (
            session.query(TaskInstance)
            .filter(
                TaskInstance.dag_id == run.dag_id,
                TaskInstance.run_id == run.run_id,
                TaskInstance.map_index >= 0,
            )
            .all()
        )
        return {f"{ti.task_id}[{ti.map_index}]": str(ti.rendered_map_index) for ti in rows}


def _name(ti: Any) -> str:
    """A task instance's name as the UI shows it."""
    if ti.map_index < 0:
        return str(ti.task_id)
    label = (ti.rendered_map_index or str(ti.map_index)).split(":", 1)[0]
    return f"{ti.task_id}[{label}]"


def asset_events(name: str) -> list[dict[str, Any]]:
    """The extra of every event of an asset, oldest first."""
    from airflow.models.asset import AssetEvent, AssetModel
    from airflow.utils.session import create_session

    with create_session() as session:
        rows = (
            session.query(AssetEvent)
            .join(AssetModel, AssetModel.id == AssetEvent.asset_id)
            .filter(AssetModel.name == name)
            .order_by(AssetEvent.id)
            .all()
        )
        return [dict(e.extra or {}) for e in rows]
